#!/bin/sh
# 561 Unauthorized: the request of the example "body-that-looks-like-a-file-reference".
curl -i -X PURGE --path-as-is \
  -H 'X-Empty;' \
  -H 'X-Quote: it'"'"'s "quoted" $HOME `id` \n' \
  -H 'Content-Type: text/plain' \
  --data-raw @/etc/passwd \
  http://api.example.com:8443/./cache/../all
