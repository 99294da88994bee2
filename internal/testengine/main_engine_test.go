package testengine

import (
	"os"
	"testing"
)

func TestMain(m *testing.M) { os.Exit(Main(m, "test engine helpers")) }
