using BenchmarkDotNet.Running;

// `scaling-model …` writes the models of bench/scaling.sh; anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "scaling-model") return OnnxCoDesign.Benchmarks.ScalingModels.Run(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(OnnxCoDesign.Benchmarks.AnalyzeBenchmarks).Assembly).Run(args);
return 0;
