"""The built-in check types, one module each (see ``checks.registry.BUILTIN_MODULES``)."""
