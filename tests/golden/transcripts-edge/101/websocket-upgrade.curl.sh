#!/bin/sh
# 101 Switching Protocols: the request of the example "websocket-upgrade".
curl -i \
  -H 'Upgrade: websocket' \
  -H 'Sec-WebSocket-Version: 13' \
  -H 'Connection: Upgrade' \
  http://api.example.com:8443/chat
