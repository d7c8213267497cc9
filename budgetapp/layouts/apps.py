from django.apps import AppConfig


class LayoutsConfig(AppConfig):
    name = "budgetapp.layouts"
    verbose_name = "官方版式"

    def ready(self) -> None:
        # Each revision of a table keeps its official layout as it printed; the targets app
        # below this one cannot import the layouts, so they are handed over here.
        from budgetapp.targets.revisions import use_layout_builder

        from . import document_for
        from .document import document_to_json

        use_layout_builder(lambda table: document_to_json(document_for(table)))
