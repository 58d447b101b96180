using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace SharedMigrations.Tests.Examples;

/// <summary>
/// The CI examples (examples/ci) cannot run here (no GitHub, no Azure DevOps), so they are parsed: the triggers, the
/// shells, where the secrets go, and every SharedMigrations command and parameter the scripts use, checked against the
/// module's manifest and command docs.
/// </summary>
[Trait("Category", "Examples")]
public partial class CiExampleTests
{
    private static readonly string[] CommonParameters =
    [
        "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable", "WarningVariable",
        "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable", "WhatIf", "Confirm",
    ];

    [Fact]
    public void GitHub_workflow_checks_on_pull_requests_and_migrates_on_main_with_pwsh()
    {
        var root = Load("github-actions.yml");
        var on = Map(root, "on");
        Assert.True(on.Children.ContainsKey(new YamlScalarNode("pull_request")), "runs on pull requests");
        Assert.Contains("main", Strings(Map(on, "push"), "branches"));

        var jobs = Map(root, "jobs");
        Assert.True(jobs.Children.Count >= 1);
        var scripts = new List<(string Job, string? Condition, string Script)>();
        foreach (var (jobName, jobNode) in jobs.Children)
        {
            var job = (YamlMappingNode)jobNode;
            foreach (var step in Sequence(job, "steps").Cast<YamlMappingNode>())
            {
                if (Scalar(step, "run") is not { } run)
                {
                    continue;
                }

                Assert.True(Scalar(step, "shell") == "pwsh", $"{jobName}: every run step uses shell: pwsh ({Scalar(step, "name")})");
                scripts.Add((((YamlScalarNode)jobName).Value!, Scalar(step, "if"), run));
            }
        }

        CheckCommands(scripts.Select(s => s.Script));
        var fleet = scripts.Where(s => s.Job == "migrate").ToArray();
        Assert.Contains(fleet, s => s.Condition is null && s.Script.Contains("Test-Migration -Quiet") && s.Script.Contains("exit 1"));
        Assert.Contains(
            fleet,
            s =>
                s.Condition == "github.event_name == 'pull_request'" && s.Script.Contains(
                    "Invoke-MigrationUp -WhatIf") && s.Script.Contains("Get-MigrationStatus -Summary"));
        Assert.Contains(
            fleet,
            s =>
                s.Condition is { } c && c.Contains(
                    "github.event_name == 'push'") && c.Contains("refs/heads/main") && s.Script.Contains("Invoke-MigrationUp " +
                        "-ErrorAction Stop"));
        Assert.Contains(fleet, s => s.Script.Contains("Install-PSResource"));
        Assert.All(
            scripts.Where(s => s.Script.Contains("Invoke-MigrationUp") && !s.Script.Contains("-WhatIf")),
            s => Assert.Contains("refs/heads/main", s.Condition));

        // The pull-request verification job: the file check, round trips on its own service container, the schema files current.
        var verify = (YamlMappingNode)jobs.Children[new YamlScalarNode("verify")];
        Assert.Equal("github.event_name == 'pull_request'", Scalar(verify, "if"));
        Assert.Contains("postgres", Scalar(Map(Map(verify, "services"), "postgres"), "image"));
        var checks = scripts.Where(s => s.Job == "verify").ToArray();
        Assert.Contains(checks, s => s.Script.Contains("Test-Migration -Quiet") && s.Script.Contains("exit 1"));
        Assert.Contains(checks, s => s.Script.Contains("Test-MigrationRoundTrip") && s.Script.Contains("-ScratchConnectionString")
            && s.Script.Contains("Export-MigrationSchema") && s.Script.Contains("git diff --exit-code"));
        Assert.All(checks, s => Assert.DoesNotContain("Invoke-MigrationUp", s.Script));

        // Secrets only through env: mappings, never spelled inside a script.
        var text = File.ReadAllText(ExamplePath("github-actions.yml"));
        Assert.Contains("AUTH_DB_PASSWORD: ${{ secrets.AUTH_DB_PASSWORD }}", text);
        Assert.All(scripts, s => Assert.DoesNotContain("${{ secrets.", s.Script));
        Assert.All(SecretLines(text), line => Assert.Matches(@"^\s+[A-Z_]+: \$\{\{ secrets\.[A-Z_]+ \}\}$", line));
    }

    [Fact]
    public void Azure_pipeline_uses_pwsh_tasks_that_stop_on_errors_and_maps_secrets_through_env()
    {
        var root = Load("azure-pipelines.yml");
        Assert.Contains("main", Strings(Map(Map(root, "trigger"), "branches"), "include"));
        Assert.Contains("main", Strings(Map(Map(root, "pr"), "branches"), "include"));

        var scripts = new List<(string? Condition, string Script, YamlMappingNode Step)>();
        var jobs = Sequence(root, "jobs").Cast<YamlMappingNode>().ToDictionary(j => Scalar(j, "job")!);
        Assert.Equal(["verify", "migrate"], jobs.Keys);
        foreach (var step in Sequence(jobs["migrate"], "steps").Cast<YamlMappingNode>())
        {
            Assert.False(
                step.Children.ContainsKey(new YamlScalarNode("script")) || step.Children.ContainsKey(new YamlScalarNode("bash")),
                "only PowerShell steps");
            if (Scalar(step, "task") is not { } task)
            {
                continue;
            }

            Assert.Equal("PowerShell@2", task);
            var inputs = Map(step, "inputs");
            Assert.Equal("true", Scalar(inputs, "pwsh"));
            Assert.Equal("stop", Scalar(inputs, "errorActionPreference"));
            Assert.Equal("inline", Scalar(inputs, "targetType"));
            scripts.Add((Scalar(step, "condition"), Scalar(inputs, "script")!, step));
        }

        CheckCommands(scripts.Select(s => s.Script));
        Assert.Contains(scripts, s => s.Condition is null && s.Script.Contains("Test-Migration -Quiet") && s.Script.Contains("exit 1"));
        Assert.Contains(
            scripts,
            s =>
                s.Condition is { } c && c.Contains(
                    "'PullRequest'") && s.Script.Contains(
                        "Invoke-MigrationUp -WhatIf") && s.Script.Contains("Get-MigrationStatus -Summary"));
        Assert.Contains(
            scripts,
            s => s.Condition is { } c && c.Contains("refs/heads/main") && s.Script.Contains("Invoke-MigrationUp -ErrorAction Stop"));
        Assert.Contains(scripts, s => s.Script.Contains("Install-PSResource"));

        // Every step that reaches a database gets the passwords through env:, and no script spells a secret macro.
        foreach (var (
            _,
            script,
            step) in scripts.Where(s => s.Script.Contains("Invoke-MigrationUp") || s.Script.Contains("Get-MigrationStatus")))
        {
            var env = Map(step, "env");
            foreach (var secret in new[] { "AUTH_DB_PASSWORD", "NOTIFICATION_DB_PASSWORD", "BILLING_DB_PASSWORD" })
            {
                Assert.Equal($"$({secret})", Scalar(env, secret));
            }
        }

        Assert.All(scripts, s => Assert.DoesNotMatch(@"\$\((\w*(PASSWORD|TOKEN|AccessToken)\w*)\)", s.Script));

        // The pull-request verification job: the file check, round trips on its own service container, the schema files
        // current; no production secret (the variable group belongs to the migrate job alone) and no migration of a real database.
        var verify = jobs["verify"];
        Assert.Contains("'PullRequest'", Scalar(verify, "condition"));
        var container = Scalar(Map(verify, "services"), "postgres");
        var containers = Sequence(Map(root, "resources"), "containers").Cast<YamlMappingNode>();
        Assert.Contains(
            containers,
            c => Scalar(c, "container") == container && Scalar(c, "image")!.StartsWith("postgres:", StringComparison.Ordinal));
        Assert.DoesNotContain("group", File.ReadAllText(ExamplePath("azure-pipelines.yml")).Split("- job: migrate")[0].Split("jobs:")[1]);
        Assert.Contains(
            "group",
            Sequence(jobs["migrate"], "variables").Cast<YamlMappingNode>().SelectMany(v => v.Children.Keys).Select(k => k.ToString()));
        var checks = new List<string>();
        foreach (var step in Sequence(verify, "steps").Cast<YamlMappingNode>())
        {
            if (Scalar(step, "task") is not { } task)
            {
                continue;
            }

            Assert.Equal("PowerShell@2", task);
            var inputs = Map(step, "inputs");
            Assert.Equal("true", Scalar(inputs, "pwsh"));
            Assert.Equal("stop", Scalar(inputs, "errorActionPreference"));
            checks.Add(Scalar(inputs, "script")!);
        }

        CheckCommands(checks);
        Assert.Contains(checks, s => s.Contains("Test-Migration -Quiet") && s.Contains("exit 1"));
        Assert.Contains(checks, s => s.Contains("Test-MigrationRoundTrip") && s.Contains("-ScratchConnectionString")
            && s.Contains("Export-MigrationSchema") && s.Contains("git diff --exit-code"));
        Assert.All(checks, s => Assert.DoesNotContain("Invoke-MigrationUp", s));
        Assert.All(checks, s => Assert.DoesNotMatch(@"\$\((\w*(PASSWORD|TOKEN|AccessToken)\w*)\)", s));
    }

    /// <summary>
    /// Every Verb-Noun command of the module that a script calls is exported, and every parameter it passes is one of its own (or common).
    /// </summary>
    private static void CheckCommands(IEnumerable<string> scripts)
    {
        var exported = ExportedCommands();
        var used = 0;
        foreach (var script in scripts)
        {
            foreach (Match call in CommandCall().Matches(script))
            {
                var command = call.Groups["command"].Value;
                Assert.True(
                    exported.Contains(command),
                    $"{command} is not a command of the module (CmdletsToExport: {string.Join(", ", exported)})");
                var parameters = DocumentedParameters(command);
                foreach (Capture parameter in call.Groups["parameter"].Captures)
                {
                    Assert.True(
                        parameters.Contains(parameter.Value)
                            || CommonParameters.Contains(parameter.Value, StringComparer.OrdinalIgnoreCase),
                        $"{command} has no parameter -{parameter.Value} (docs/commands/{command}.md)");
                }

                used++;
            }
        }

        Assert.True(used >= 4, $"the scripts call the module's commands ({used} calls found)");
    }

    private static HashSet<string> ExportedCommands()
    {
        var manifest = File.ReadAllText(Path.Combine(RepositoryRoot, "module", "SharedMigrations.psd1"));
        var block = Regex.Match(manifest, @"CmdletsToExport\s*=\s*@\((?<list>[^)]*)\)", RegexOptions.Singleline).Groups["list"].Value;
        return Regex.Matches(
            block,
            "'(?<name>[A-Za-z]+-[A-Za-z]+)'").Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    private static HashSet<string> DocumentedParameters(string command)
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot, "docs", "commands", command + ".md"));
        return Regex.Matches(
            doc,
            @"^### -(?<name>\w+)",
            RegexOptions.Multiline).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    // A call of one of the module's commands (a *-Migration* noun) and the parameter names up to the end of its pipeline element.
    [GeneratedRegex(
        @"\b(?<command>(?:Get|Invoke|Undo|New|Repair|Test)-Migration\w*)\b(?:[^|;\r\n(){}]*?\s-(?<parameter>[A-Za-z]+)(?=[\s:)]|$))*",
        RegexOptions.Multiline)]
    private static partial Regex CommandCall();

    private static IEnumerable<string> SecretLines(string text) =>
        text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Contains(
            "secrets.",
            StringComparison.Ordinal) && !l.TrimStart().StartsWith('#'));

    private static YamlMappingNode Load(string name)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(ExamplePath(name));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static string ExamplePath(string name) => Path.Combine(RepositoryRoot, "examples", "ci", name);

    private static YamlMappingNode Map(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlMappingNode map
            ? map
            : throw new Xunit.Sdk.XunitException($"'{key}' is not a mapping at line {node.Start.Line}");

    private static IEnumerable<YamlNode> Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlSequenceNode sequence
            ? sequence.Children
            : throw new Xunit.Sdk.XunitException($"'{key}' is not a list at line {node.Start.Line}");

    private static IEnumerable<string> Strings(YamlMappingNode node, string key) =>
        Sequence(node, key).OfType<YamlScalarNode>().Select(s => s.Value!);

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) && child is YamlScalarNode scalar ? scalar.Value : null;

    private static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "SharedMigrations.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException($"No SharedMigrations.sln above {AppContext.BaseDirectory}.");
        }
    }
}
