"""The live stream's HTTP edge: the SSE endpoint and its response (the bus and hub are in
`stream/`, which knows no domain and no web framework)."""
