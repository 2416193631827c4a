@echo off
rem Starts the RatMemCache server on a JVM sized and tuned for it, as bin/ratmemcache does on
rem POSIX systems: memcached's flags, the heap derived from -m (128 MiB + the write-back
rem queue, m/4 within 4..64 MiB; the items live off the heap) unless
rem RATMEMCACHE_HEAP is set, the collector and flags measured in BENCHMARKS.md, JAVA_OPTS last.
setlocal EnableDelayedExpansion

set "HOME_DIR=%~dp0.."
set "JAR=%HOME_DIR%\quarkus-app\quarkus-run.jar"
if not exist "%JAR%" (
  echo ratmemcache: %JAR% is missing; build it with mvnw package 1>&2
  exit /b 66
)

if defined JAVA_HOME (
  set "JAVA=%JAVA_HOME%\bin\java.exe"
) else (
  set "JAVA="
  for %%J in (java.exe) do set "JAVA=%%~$PATH:J"
)
if not defined JAVA (
  echo ratmemcache: no Java found; set JAVA_HOME or put java on PATH ^(Java 25 or newer^) 1>&2
  exit /b 69
)
if not exist "%JAVA%" (
  echo ratmemcache: no Java found at %JAVA%; set JAVA_HOME to a Java 25 or newer 1>&2
  exit /b 69
)

rem The feature release, from java.specification.version ("21", "25", or "1.8").
set "FEATURE="
for /f "tokens=2 delims==" %%V in ('"%JAVA%" -XshowSettings:properties -version 2^>^&1 ^| findstr /c:"java.specification.version"') do set "FEATURE=%%V"
set "FEATURE=%FEATURE: =%"
if "%FEATURE:~0,2%"=="1." set "FEATURE=%FEATURE:~2%"
for /f "delims=." %%F in ("%FEATURE%") do set "FEATURE=%%F"
if not defined FEATURE (
  echo ratmemcache: cannot tell which Java %JAVA% is 1>&2
  exit /b 69
)
if %FEATURE% LSS 25 (
  echo ratmemcache: %JAVA% is Java %FEATURE%; RatMemCache needs Java 25 or newer 1>&2
  exit /b 69
)

rem -m as memcached reads it, the last one winning: -m 64, -m64, --memory-limit 64.
set "MEGABYTES=64"
set "EXPECT_M="
for %%A in (%*) do (
  set "ARG=%%~A"
  if defined EXPECT_M (
    set "MEGABYTES=!ARG!"
    set "EXPECT_M="
  ) else if "!ARG!"=="-m" (
    set "EXPECT_M=1"
  ) else if "!ARG!"=="--memory-limit" (
    set "EXPECT_M=1"
  ) else if "!ARG:~0,2!"=="-m" (
    set "MEGABYTES=!ARG:~2!"
  )
)
set /a "MEGABYTES_NUMBER=MEGABYTES" 2>nul || set "MEGABYTES_NUMBER=64"
if "%MEGABYTES_NUMBER%"=="0" set "MEGABYTES_NUMBER=64"

if defined RATMEMCACHE_HEAP (
  set "HEAP=%RATMEMCACHE_HEAP%"
) else (
  set /a "QUEUE_MB=MEGABYTES_NUMBER / 4"
  if !QUEUE_MB! LSS 4 set "QUEUE_MB=4"
  if !QUEUE_MB! GTR 64 set "QUEUE_MB=64"
  set /a "HEAP_MB=128 + QUEUE_MB"
  set "HEAP=!HEAP_MB!m"
)

set "JVM=-Xms%HEAP% -Xmx%HEAP% -XX:MaxDirectMemorySize=128m -XX:+UseZGC -XX:+ExitOnOutOfMemoryError -Dio.netty.leakDetection.level=disabled"
if %FEATURE% GEQ 25 (
  set "JVM=%JVM% -XX:+UseCompactObjectHeaders"
) else if %FEATURE% GEQ 24 (
  set "JVM=%JVM% -XX:+UnlockExperimentalVMOptions -XX:+UseCompactObjectHeaders"
)

rem Class data sharing, as bin/ratmemcache does: the JVM archives the classes it loaded at exit and
rem maps them at the next start, rebuilding the archive when the JDK, the flags or the jars change.
if defined RATMEMCACHE_CDS_ARCHIVE (
  set "ARCHIVE=%RATMEMCACHE_CDS_ARCHIVE%"
) else (
  set "ARCHIVE=%HOME_DIR%\quarkus-app\ratmemcache.jsa"
)

set "CDS=-XX:+AutoCreateSharedArchive -Xlog:cds=off"
if %FEATURE% GEQ 25 set "CDS=%CDS% -Xlog:aot=off"

"%JAVA%" %JVM% %CDS% "-XX:SharedArchiveFile=%ARCHIVE%" %JAVA_OPTS% -jar "%JAR%" %*
exit /b %ERRORLEVEL%
