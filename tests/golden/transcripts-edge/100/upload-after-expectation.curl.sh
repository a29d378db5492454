#!/bin/sh
# 100 Continue: the request of the example "upload-after-expectation".
curl -i -X PUT \
  -H 'Expect: 100-continue' \
  -H 'Content-Type: text/plain' \
  --data-binary 'Grüße aus Köln
' \
  http://api.example.com:8443/files/report.txt
