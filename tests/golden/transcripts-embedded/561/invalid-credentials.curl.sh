#!/bin/sh
# 561 Unauthorized: the request of the example "invalid-credentials".
curl -i -X POST \
  -H 'Accept: text/plain' \
  -H 'Content-Type: application/x-www-form-urlencoded' \
  --data-binary 'username=alice&password=wrong-password' \
  https://www.example.com/login
