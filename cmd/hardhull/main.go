// Command hardhull audits containerized applications against Docker
// security best practices and repairs what it finds.
package main

import (
	"os"

	"github.com/hardhull/hardhull/internal/cli"
)

func main() { os.Exit(cli.Execute(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }
