// SPDX-License-Identifier: MIT

// gohttp is the benchmark's Go server (CGO_ENABLED=0, standard library
// only): it answers every request with "ok", on the address given.
package main

import (
	"fmt"
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	fmt.Fprintln(os.Stderr, http.ListenAndServe(os.Args[1], nil))
	os.Exit(1)
}
