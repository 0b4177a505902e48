"""Maritime watch: AIS ingestion, cleaning and ship-event detection (issue 5).

Entry points: `ingest.read_inputs(paths)` -> positions/identities (Arrow) with a drop report;
`pipeline.detect(engine, DetectInput(...), config=DetectConfig())` -> events on DuckDB or Spark;
`reference.detect_reference(...)`, the pure-Python reference the engines are tested against.
"""
