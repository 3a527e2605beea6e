# Sourced by the bench scripts: publishes the tool as this machine's platform package ships it (linux-x64: the
# Native AOT executable; linux-arm64: framework-dependent ReadyToRun) into "$scratch/shipped", and sets
#   rid      the platform (linux-x64 or linux-arm64)
#   shipped  the command that runs it (an array: the executable, or dotnet and the dll)
#   form     "Native AOT" or "ReadyToRun"
# Needs "$scratch" (a temporary folder the caller owns); the publish log goes there.
case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64) rid=linux-arm64 ;;
  *) echo "no platform package for $(uname -m)" >&2; exit 2 ;;
esac
dotnet publish src/Compiler -c Release -r "$rid" -o "$scratch/shipped" -nologo > "$scratch/build.log" 2>&1 \
  || { cat "$scratch/build.log" >&2; exit 1; }
# Native AOT leaves one executable and no dotnet-codesign-compile.dll; ReadyToRun runs through dotnet.
if [ -f "$scratch/shipped/dotnet-codesign-compile.dll" ]; then
  shipped=(dotnet "$scratch/shipped/dotnet-codesign-compile.dll"); form="ReadyToRun"
else
  shipped=("$scratch/shipped/dotnet-codesign-compile"); form="Native AOT"
fi
