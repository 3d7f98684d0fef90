lineage-profile 1
dumps 9223372036854775807
build 10240 dumps 9223372036854775807
name "lsass.exe" dumps 9223372036854775807 count 1 1 total 9223372036854775807 exited 0 threads 9 9 at "examples/win10-x64.txt" 38
edge "wininit.exe" "lsass.exe" dumps 9223372036854775807 count 1 1 total 9223372036854775807 exited 0 threads 9 9 at "examples/win10-x64.txt" 38
key "?/wininit.exe/lsass.exe" dumps 9223372036854775807 count 1 1 total 9223372036854775807 exited 0 threads 9 9 at "examples/win10-x64.txt" 38
