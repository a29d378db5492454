#!/bin/sh
# 418 I'm a teapot: the request of the example "get-with-a-body".
curl -i -X GET --globoff \
  -H 'Content-Type: application/json' \
  --data-binary '{
  "q": "naïve café",
  "n": 3
}' \
  'http://api.example.com:8443/search[1]/{x}'
