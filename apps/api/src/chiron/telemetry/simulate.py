"""`chiron simulate`: a device fleet (filled in with ingest)."""


def simulate() -> None:
    """Run a simulated device fleet against a Chiron API."""
