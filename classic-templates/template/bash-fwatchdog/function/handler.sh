#!/usr/bin/env bash
# Your function: the request body is on stdin; what this prints is the response body.
set -euo pipefail
body=$(cat)
echo "Hello from bash, you said: ${body}"
