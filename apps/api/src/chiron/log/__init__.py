"""The operator log: timestamped, tagged notes authored by whoever is signed in."""
