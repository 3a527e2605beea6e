using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(OnnxCoDesign.Benchmarks.AnalyzeBenchmarks).Assembly).Run(args);
