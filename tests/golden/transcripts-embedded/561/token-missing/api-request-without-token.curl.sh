#!/bin/sh
# 561 Unauthorized: the request of the example "api-request-without-token".
curl -i \
  -H 'Accept: application/problem+json' \
  https://www.example.com/example
