#!/bin/sh
# 205 Reset Content: the request of the example "reset-form".
curl -i -X POST \
  http://api.example.com:8443/form
