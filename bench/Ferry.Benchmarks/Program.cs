using BenchmarkDotNet.Running;

// `dotnet run -c Release --project bench/Ferry.Benchmarks -- --filter '*'` runs every benchmark;
// add `--job short` for a quick, noisier pass. See README.md beside this file.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
