#!/bin/bash
# log_full_shared — log_full.sh with one file shared by processes, in the
# text format: the log's filesystem fills up under a live server, then
# space is freed; records written + "dropped N records" = calls, every
# line one whole record.
LOG_FULL_PART=text
. "$(dirname "$TESTLIB")/log_full.sh"
