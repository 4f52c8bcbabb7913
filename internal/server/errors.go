package server

import "roster"

var errCrossOrigin = roster.ReasonErrorf(roster.EForbidden, "cross_origin", "cross-origin requests that change state are refused")
