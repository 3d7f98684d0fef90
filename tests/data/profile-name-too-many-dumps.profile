lineage-profile 1
dumps 1
build 10240 dumps 1
name "csrss.exe" dumps 1 count 2 2 total 2 exited 0 threads 11 12 at "examples/win10-x64.txt" 35
name "dwm.exe" dumps 99 count 1 1 total 1 exited 0 threads 8 8 at "examples/win10-x64.txt" 48
name "explorer.exe" dumps 1 count 1 1 total 1 exited 0 threads 53 53 at "examples/win10-x64.txt" 52
name "lsass.exe" dumps 1 count 1 1 total 1 exited 0 threads 9 9 at "examples/win10-x64.txt" 38
name "runtimebroker.exe" dumps 1 count 1 1 total 1 exited 0 threads 17 17 at "examples/win10-x64.txt" 53
name "services.exe" dumps 1 count 1 1 total 1 exited 0 threads 5 5 at "examples/win10-x64.txt" 37
name "sihost.exe" dumps 1 count 1 1 total 1 exited 0 threads 10 10 at "examples/win10-x64.txt" 49
name "smss.exe" dumps 1 count 1 1 total 1 exited 0 threads 2 2 at "examples/win10-x64.txt" 34
name "sppsvc.exe" dumps 1 count 1 1 total 1 exited 1 threads 0 0 at "examples/win10-x64.txt" 41
name "svchost.exe" dumps 1 count 3 3 total 3 exited 0 threads 12 23 at "examples/win10-x64.txt" 39
name "system" dumps 1 count 1 1 total 1 exited 0 threads 144 144 at "examples/win10-x64.txt" 33
name "taskhostw.exe" dumps 1 count 1 1 total 1 exited 0 threads 11 11 at "examples/win10-x64.txt" 50
name "userinit.exe" dumps 1 count 1 1 total 1 exited 1 threads 0 0 at "examples/win10-x64.txt" 51
name "wininit.exe" dumps 1 count 1 1 total 1 exited 0 threads 2 2 at "examples/win10-x64.txt" 36
name "winlogon.exe" dumps 1 count 1 1 total 1 exited 0 threads 5 5 at "examples/win10-x64.txt" 47
edge "(top)" "system" dumps 1 count 1 1 total 1 exited 0 threads 144 144 at "examples/win10-x64.txt" 33
edge "?" "csrss.exe" dumps 1 count 2 2 total 2 exited 0 threads 11 12 at "examples/win10-x64.txt" 35
edge "?" "sihost.exe" dumps 1 count 1 1 total 1 exited 0 threads 10 10 at "examples/win10-x64.txt" 49
edge "?" "taskhostw.exe" dumps 1 count 1 1 total 1 exited 0 threads 11 11 at "examples/win10-x64.txt" 50
edge "?" "wininit.exe" dumps 1 count 1 1 total 1 exited 0 threads 2 2 at "examples/win10-x64.txt" 36
edge "?" "winlogon.exe" dumps 1 count 1 1 total 1 exited 0 threads 5 5 at "examples/win10-x64.txt" 47
edge "services.exe" "sppsvc.exe" dumps 1 count 1 1 total 1 exited 1 threads 0 0 at "examples/win10-x64.txt" 41
edge "services.exe" "svchost.exe" dumps 1 count 3 3 total 3 exited 0 threads 12 23 at "examples/win10-x64.txt" 39
edge "svchost.exe" "runtimebroker.exe" dumps 1 count 1 1 total 1 exited 0 threads 17 17 at "examples/win10-x64.txt" 53
edge "system" "smss.exe" dumps 1 count 1 1 total 1 exited 0 threads 2 2 at "examples/win10-x64.txt" 34
edge "userinit.exe" "explorer.exe" dumps 1 count 1 1 total 1 exited 0 threads 53 53 at "examples/win10-x64.txt" 52
edge "wininit.exe" "lsass.exe" dumps 1 count 1 1 total 1 exited 0 threads 9 9 at "examples/win10-x64.txt" 38
edge "wininit.exe" "services.exe" dumps 1 count 1 1 total 1 exited 0 threads 5 5 at "examples/win10-x64.txt" 37
edge "winlogon.exe" "dwm.exe" dumps 1 count 1 1 total 1 exited 0 threads 8 8 at "examples/win10-x64.txt" 48
edge "winlogon.exe" "userinit.exe" dumps 1 count 1 1 total 1 exited 1 threads 0 0 at "examples/win10-x64.txt" 51
key "?/csrss.exe" dumps 1 count 2 2 total 2 exited 0 threads 11 12 at "examples/win10-x64.txt" 35
key "?/sihost.exe" dumps 1 count 1 1 total 1 exited 0 threads 10 10 at "examples/win10-x64.txt" 49
key "?/taskhostw.exe" dumps 1 count 1 1 total 1 exited 0 threads 11 11 at "examples/win10-x64.txt" 50
key "?/wininit.exe" dumps 1 count 1 1 total 1 exited 0 threads 2 2 at "examples/win10-x64.txt" 36
key "?/wininit.exe/lsass.exe" dumps 1 count 1 1 total 1 exited 0 threads 9 9 at "examples/win10-x64.txt" 38
key "?/wininit.exe/services.exe" dumps 1 count 1 1 total 1 exited 0 threads 5 5 at "examples/win10-x64.txt" 37
key "?/wininit.exe/services.exe/sppsvc.exe" dumps 1 count 1 1 total 1 exited 1 threads 0 0 at "examples/win10-x64.txt" 41
key "?/wininit.exe/services.exe/svchost.exe" dumps 1 count 3 3 total 3 exited 0 threads 12 23 at "examples/win10-x64.txt" 39
key "?/wininit.exe/services.exe/svchost.exe/runtimebroker.exe" dumps 1 count 1 1 total 1 exited 0 threads 17 17 at "examples/win10-x64.txt" 53
key "?/winlogon.exe" dumps 1 count 1 1 total 1 exited 0 threads 5 5 at "examples/win10-x64.txt" 47
key "?/winlogon.exe/dwm.exe" dumps 1 count 1 1 total 1 exited 0 threads 8 8 at "examples/win10-x64.txt" 48
key "?/winlogon.exe/userinit.exe" dumps 1 count 1 1 total 1 exited 1 threads 0 0 at "examples/win10-x64.txt" 51
key "?/winlogon.exe/userinit.exe/explorer.exe" dumps 1 count 1 1 total 1 exited 0 threads 53 53 at "examples/win10-x64.txt" 52
key "system" dumps 1 count 1 1 total 1 exited 0 threads 144 144 at "examples/win10-x64.txt" 33
key "system/smss.exe" dumps 1 count 1 1 total 1 exited 0 threads 2 2 at "examples/win10-x64.txt" 34
