using OnnxCoDesign.Compiler.Cli;

return CodesignCli.Run(args, CliOutput.Console);
