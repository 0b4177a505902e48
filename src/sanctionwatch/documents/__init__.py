"""The open-source reader: sanctions-relevant activities in news and reports (de, en, fr, ru,
ko), with mentions linked to the lists and the evidence kept.

Entry points: `service.build_reader(settings, entities)` then `Reader.analyze(Document)`;
`extract.iter_documents(inputs)` turns files, folders, feeds and URLs into documents.
"""
