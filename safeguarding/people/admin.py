"""Nothing registered, on purpose: children, names, addresses and families are records about
children. They are created, amended and merged only through the audited services and pages
(people/services.py), so that every change carries who, when, why and old and new values."""
