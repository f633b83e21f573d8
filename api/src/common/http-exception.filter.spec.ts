import { BadRequestException, ForbiddenException, NotFoundException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { toErrorBody } from './http-exception.filter';

describe('toErrorBody', () => {
  it('keeps validation messages as a list', () => {
    expect(toErrorBody(new BadRequestException(['email must be an email']))).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: ['email must be an email'],
    });
  });

  it('names the status', () => {
    expect(toErrorBody(new ForbiddenException('Admins only'))).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'Admins only',
    });
    expect(toErrorBody(new NotFoundException()).error).toBe('Not Found');
    expect(toErrorBody(new ThrottlerException()).statusCode).toBe(429);
  });

  it('turns a duplicate key into 409', () => {
    expect(toErrorBody(Object.assign(new Error('E11000'), { code: 11000 })).statusCode).toBe(409);
  });

  it('passes framework client errors through and hides everything else', () => {
    const badJson = Object.assign(new SyntaxError('Unexpected token'), { statusCode: 400 });
    expect(toErrorBody(badJson).statusCode).toBe(400);
    expect(toErrorBody(new TypeError('boom'))).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Internal server error',
    });
  });
});
