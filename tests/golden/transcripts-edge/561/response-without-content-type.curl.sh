#!/bin/sh
# 561 Unauthorized: the request of the example "response-without-content-type".
curl -i \
  http://api.example.com:8443/empty
