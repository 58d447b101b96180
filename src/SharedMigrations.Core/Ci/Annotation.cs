using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SharedMigrations.Core.Ci;

/// <summary>A problem to show in the CI system's UI, at a file and line when there is one.</summary>
internal sealed record Annotation(AnnotationLevel Level, string Message, string? FilePath = null, int? Line = null, string? Title = null);
