"""Front doors other than POST /api/v1/dashboard/samples: each hands its batches to
`telemetry.service.ingest`."""
