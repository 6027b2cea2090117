"""The shared spec: load, validate, allowed differences, naming rules. No Pulumi here.

Each module is imported by what it defines (``spec.model.ServiceSpec``,
``spec.load.load_spec``, ``spec.naming.dns_label``): this module re-exports nothing, so
a command that needs the naming rules does not load the models and the YAML reader.
"""
