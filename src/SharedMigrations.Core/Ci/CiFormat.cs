using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SharedMigrations.Core.Ci;

/// <summary>Which CI system's workflow commands to print.</summary>
internal enum CiFormat
{
    /// <summary>Detect the CI system from the environment (GITHUB_ACTIONS=true, TF_BUILD=True), else none.</summary>
    Auto,

    /// <summary>Print nothing for CI.</summary>
    None,

    /// <summary>GitHub Actions: <c>::error file=…,line=…::…</c> and $GITHUB_STEP_SUMMARY.</summary>
    GitHubActions,

    /// <summary>Azure DevOps: <c>##vso[task.logissue …]</c> and <c>##vso[task.uploadsummary]</c>.</summary>
    AzureDevOps,
}
