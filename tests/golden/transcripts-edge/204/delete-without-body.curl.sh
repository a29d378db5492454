#!/bin/sh
# 204 No Content: the request of the example "delete-without-body".
curl -i -X DELETE \
  'http://api.example.com:8443/items/1?force=true'
