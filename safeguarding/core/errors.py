"""Errors the services raise; views turn them into pages, the API into problem details."""


class DomainError(Exception):
    """A rule of the domain refused the request. The message is safe to show the user."""


class NoRelationship(DomainError):
    """The user has no legitimate relationship with the child (break-glass may be offered)."""

    def __init__(self, child_id: int) -> None:
        super().__init__("You do not have a working relationship with this child.")
        self.child_id = child_id
