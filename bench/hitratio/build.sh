# Sourced by bench/hitratio.sh and bench/cacheaside.sh: compiles bench/hitratio/*.java against the
# memory tier and Caffeine, and sets cp to the classpath that runs them.
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
CAFFEINE=3.2.2
out=target/hitratio
mkdir -p "$out/lib" "$out/classes"
[ -d target/classes/org ] || ./mvnw -q compile
./mvnw -q dependency:build-classpath -Dmdep.outputFile="$out/classpath.txt" -Dmdep.includeScope=runtime
./mvnw -q dependency:copy -Dartifact="com.github.ben-manes.caffeine:caffeine:$CAFFEINE" -DoutputDirectory="$out/lib"
cp="$out/classes:target/classes:$(cat "$out/classpath.txt"):$out/lib/caffeine-$CAFFEINE.jar"
"$JAVA_HOME/bin/javac" --release 25 -cp "$cp" -d "$out/classes" bench/hitratio/*.java bench/hitratio/reference/*.java
