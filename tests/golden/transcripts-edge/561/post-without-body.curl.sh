#!/bin/sh
# 561 Unauthorized: the request of the example "post-without-body".
curl -i -X POST \
  http://api.example.com:8443/logout
