#!/bin/sh
# 418 I'm a teapot: the request of the example "head".
curl -i --head \
  http://api.example.com:8443/pot
