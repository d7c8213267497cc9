"""The rule functions, grouped by what they look at; `registry.RULES` maps codes to them."""
