package server

import "roster"

var errCrossOrigin = roster.ReasonErrorf(roster.EForbidden, roster.ReasonCrossOrigin, "cross-origin requests that change state are refused")
