#!/bin/sh
# System packages the test suite needs that PyPI cannot provide.
# Java 17 (Spark) and PostgreSQL are already on every machine of this project.
set -e
if ! command -v java >/dev/null 2>&1; then
    echo "setup-system: Java 17 is needed for the Spark tests (apt-get install openjdk-17-jre-headless)" >&2
fi
