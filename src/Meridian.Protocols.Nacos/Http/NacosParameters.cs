using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace Meridian.Protocols.Nacos.Http;

/// <summary>
/// Request parameters the way a Nacos server reads them: from the query string or a form body, with any method.
/// The npm naming client puts everything in the query even on POST/DELETE, the config client and the Java client post
/// forms, and the Java client sends <c>beat</c> in a PUT form body.
/// </summary>
internal sealed class NacosParameters
{
    private readonly IQueryCollection _query;
    private readonly IFormCollection? _form;

    private NacosParameters(IQueryCollection query, IFormCollection? form)
    {
        _query = query;
        _form = form;
    }

    public static async ValueTask<NacosParameters> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        IFormCollection? form = null;
        if (request.HasFormContentType)
        {
            try
            {
                form = await request.ReadFormAsync(cancellationToken);
            }
            catch (InvalidDataException e)
            {
                // The form reader refuses what it cannot decode (a %00, a malformed escape, too many fields): the caller's fault.
                throw new NacosException(StatusCodes.Status400BadRequest, $"The form body cannot be read ({e.Message}); send application/x-www-form-urlencoded UTF-8 text without NUL characters.");
            }
            catch (NotSupportedException e)
            {
                // A charset .NET knows but will not decode (UTF-7).
                throw new NacosException(StatusCodes.Status400BadRequest, $"The form body cannot be read ({e.Message}); send it as UTF-8.");
            }
            catch (IOException e) when (e is not BadHttpRequestException)
            {
                // A multipart body that ends before its closing boundary. Kestrel's own refusals (too large) keep their status.
                throw new NacosException(StatusCodes.Status400BadRequest, $"The form body ended early ({e.Message}); send the whole body, multipart bodies up to their closing boundary.");
            }
        }

        return new NacosParameters(request.Query, form);
    }

    /// <summary>The first value of a parameter, query before form; null when absent.</summary>
    public string? Get(string name)
    {
        if (_query.TryGetValue(name, out var values) && FirstOrNull(values) is { } fromQuery)
        {
            return fromQuery;
        }

        return _form is not null && _form.TryGetValue(name, out values) ? FirstOrNull(values) : null;
    }

    /// <summary>A parameter that must be present and not blank, as Nacos' <c>WebUtils.required</c> demands.</summary>
    public string Required(string name)
    {
        var value = Get(name);
        return string.IsNullOrWhiteSpace(value) ? throw NacosException.MissingParameter(name) : value;
    }

    public int RequiredInt(string name)
    {
        var text = Required(name);
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw NacosException.BadParameter(name, text, "a whole number is expected.");
    }

    public double? Double(string name)
    {
        var text = Get(name);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw NacosException.BadParameter(name, text, "a number is expected.");
    }

    public int? Int(string name)
    {
        var text = Get(name);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw NacosException.BadParameter(name, text, "a whole number is expected.");
    }

    /// <summary>Booleans as Java's <c>Boolean.parseBoolean</c> reads them: "true" in any case is true, anything else false.</summary>
    public bool? Bool(string name)
    {
        var text = Get(name);
        return string.IsNullOrWhiteSpace(text) ? null : string.Equals(text.Trim(), "true", StringComparison.OrdinalIgnoreCase);
    }

    private static string? FirstOrNull(StringValues values) => values.Count > 0 ? values[0] : null;
}
