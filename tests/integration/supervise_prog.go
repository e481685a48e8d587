// SPDX-License-Identifier: MIT

// supervise_prog.go is a Go program (standard library only, built with
// CGO_ENABLED=0) that sockshim's supervisor governs: it sets options the
// test policy judges through the net package and raw system calls, and
// prints one "who.key=value" line per fact it reads back.
//
//	opts [EXIT]    a listener, a client and the accepted connection
//	hold SECONDS   as opts, then keeps the connection open
//	threads N      opts in N goroutines, each on its own OS thread
//	spawn          opts in an exec'd copy of itself
package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

var out sync.Mutex

func say(who, key string, v interface{}) {
	out.Lock()
	fmt.Printf("%s.%s=%v\n", who, key, v)
	out.Unlock()
}

func geti(c syscall.RawConn, level, opt int) int {
	v := -1
	c.Control(func(fd uintptr) {
		if x, err := syscall.GetsockoptInt(int(fd), level, opt); err == nil {
			v = x
		}
	})
	return v
}

func round(who string) ([]net.Conn, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	cl, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return nil, err
	}
	ac, err := ln.Accept()
	if err != nil {
		return nil, err
	}
	say(who, "port", ln.Addr().(*net.TCPAddr).Port)
	tc := cl.(*net.TCPConn)
	rc, _ := tc.SyscallConn()
	arc, _ := ac.(*net.TCPConn).SyscallConn()
	say(who, "nodelay_err", tc.SetNoDelay(false) == nil)
	say(who, "nodelay", geti(rc, syscall.IPPROTO_TCP, syscall.TCP_NODELAY))
	tc.SetLinger(60)
	rc.Control(func(fd uintptr) {
		var l syscall.Linger
		n := uint32(unsafe.Sizeof(l))
		_, _, e := syscall.Syscall6(syscall.SYS_GETSOCKOPT, fd,
			syscall.SOL_SOCKET, syscall.SO_LINGER,
			uintptr(unsafe.Pointer(&l)), uintptr(unsafe.Pointer(&n)), 0)
		if e == 0 {
			say(who, "linger", fmt.Sprintf("%d,%d", l.Onoff, l.Linger))
		}
		err := syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_DEBUG, 1)
		if errno, ok := err.(syscall.Errno); ok {
			say(who, "debug", fmt.Sprintf("-1,%d", int(errno)))
		} else {
			say(who, "debug", "0,0")
		}
	})
	say(who, "client_reuseaddr", geti(rc, syscall.SOL_SOCKET, syscall.SO_REUSEADDR))
	say(who, "client_keepalive", geti(rc, syscall.SOL_SOCKET, syscall.SO_KEEPALIVE))
	say(who, "client_keepidle", geti(rc, syscall.IPPROTO_TCP, syscall.TCP_KEEPIDLE))
	say(who, "accepted_keepidle", geti(arc, syscall.IPPROTO_TCP, syscall.TCP_KEEPIDLE))
	return []net.Conn{cl, ac}, nil
}

func main() {
	mode := "opts"
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	arg := 0
	if len(os.Args) > 2 {
		arg, _ = strconv.Atoi(os.Args[2])
	}
	switch mode {
	case "threads":
		var wg sync.WaitGroup
		for i := 0; i < arg; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				runtime.LockOSThread()
				if _, err := round(fmt.Sprintf("t%d", i)); err != nil {
					say("t"+strconv.Itoa(i), "error", err)
				}
			}(i)
		}
		wg.Wait()
		return
	case "spawn":
		cmd := exec.Command("/proc/self/exe", "opts", "5")
		cmd.Stdout = os.Stdout
		cmd.Stderr = os.Stderr
		err := cmd.Run()
		code := 0
		if e, ok := err.(*exec.ExitError); ok {
			code = e.ExitCode()
		}
		fmt.Printf("child.exit=%d\n", code)
		return
	}
	conns, err := round("main")
	if err != nil {
		fmt.Println("error=" + err.Error())
		os.Exit(99)
	}
	if mode == "hold" {
		fmt.Println("ready")
		time.Sleep(time.Duration(arg) * time.Second)
	}
	_ = conns
	if mode == "opts" {
		os.Exit(arg)
	}
}
