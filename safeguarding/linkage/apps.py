from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "safeguarding.linkage"
    label = "linkage"

    def ready(self) -> None:
        from safeguarding.concerns.chronology import EntryKind, register_kind

        # A merge and its undoing show on the chronology of the children they changed.
        register_kind(EntryKind("child_merge", "Records of the child joined"))
        register_kind(EntryKind("child_unmerge", "Records of two children separated"))
