using OnnxCoDesign.Compiler.Cli;

var exit = CodesignCli.Run(args, CliOutput.Console);
LoadedModules.WriteIfAsked();
return exit;
