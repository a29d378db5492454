#!/bin/sh
# 561 Unauthorized: the request of the example "expired-token".
curl -i \
  -H 'Accept: application/problem+json' \
  -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.expired' \
  https://www.example.com/example
