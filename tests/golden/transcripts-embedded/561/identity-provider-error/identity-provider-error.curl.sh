#!/bin/sh
# 561 Unauthorized: the request of the example "identity-provider-error".
curl -i -X POST \
  -H 'Accept: application/problem+json' \
  -H 'Content-Type: application/json' \
  --data-binary '{
  "item": "widget",
  "quantity": 2
}' \
  https://www.example.com/another-example
