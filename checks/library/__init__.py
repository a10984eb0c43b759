"""The built-in check types, one module each (see ``scrapegate.registry.BUILTIN_MODULES``)."""
