using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SharedMigrations.Core.Ci;

/// <summary>How serious an annotation is.</summary>
internal enum AnnotationLevel
{
    Error,
    Warning,
}
