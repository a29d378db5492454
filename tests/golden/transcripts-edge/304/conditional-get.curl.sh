#!/bin/sh
# 304 Not Modified: the request of the example "conditional-get".
curl -i \
  -H 'If-None-Match: "abc"' \
  http://api.example.com:8443/report
