"""Recording, reading and amending concerns; agency event details."""
